# cxl_ram_region: make a RAM region of the whole CXL type-3 device mem0 (vm-run --pmem cxl) with
# the raw sysfs writes of `cxl create-region -m -t ram -d decoder0.0 -w 1 mem0` (trixie's cxl 81
# does the same), bind it, and wait for its dax device.  Sets CXL_REGION (region0).
# Sourced by scenarios/cxl.sh and guest/snapshot-cxl.sh (busybox sh); returns 1, saying why, on failure.
cxl_ram_region() {
	_c=/sys/bus/cxl/devices
	CXL_REGION=$(cat $_c/decoder0.0/create_ram_region) &&
	echo $CXL_REGION > $_c/decoder0.0/create_ram_region &&
	cat $_c/decoder0.0/interleave_granularity > $_c/$CXL_REGION/interleave_granularity &&
	echo 1 > $_c/$CXL_REGION/interleave_ways &&
	echo ram > $_c/decoder2.0/mode &&
	cat $_c/mem0/ram/size > $_c/decoder2.0/dpa_size &&
	cat $_c/mem0/ram/size > $_c/$CXL_REGION/size &&
	echo decoder2.0 > $_c/$CXL_REGION/target0 &&
	echo 1 > $_c/$CXL_REGION/commit &&
	echo $CXL_REGION > /sys/bus/cxl/drivers/cxl_region/bind || { echo "creating the CXL RAM region failed"; return 1; }
	# the dax device appears within about a second of the bind
	_i=0; while ! ls /sys/bus/dax/devices/dax* >/dev/null 2>&1 && [ $_i -lt 100 ]; do sleep 0.1; _i=$((_i + 1)); done
	ls /sys/bus/dax/devices/dax* >/dev/null 2>&1 || { echo "no dax device after binding $CXL_REGION"; return 1; }
}
