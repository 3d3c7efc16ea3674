# Settings every first-party target links PRIVATE: language level, warnings, sanitizers.
add_library(dax_standard_settings INTERFACE)
target_compile_features(dax_standard_settings INTERFACE cxx_std_23)
set(CMAKE_CXX_EXTENSIONS OFF)

add_library(dax_standard_warnings INTERFACE)
target_compile_options(dax_standard_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
  -Wnon-virtual-dtor -Woverloaded-virtual -Wold-style-cast)
# -Wnull-dereference is left out: with -O2, GCC 12 reports false positives inside libstdc++.
if(DAX_WERROR)
  target_compile_options(dax_standard_warnings INTERFACE -Werror)
endif()

if(DAX_SANITIZE)
  target_compile_options(dax_standard_settings INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  # -no-pie: GCC's UBSan and ASan give every check site and every string literal of every
  # translation unit (fmt, CLI11 and nlohmann_json are in each) a record that points at its file
  # name, 3.5 million of them in dax; as a PIE each is a relocation the loader applies at every
  # start, about half of the 0.8 CPU s an ASan dax took to print --version. Linked at a fixed
  # address they are resolved once, at link time. The checks are the same.
  target_link_options(dax_standard_settings INTERFACE -fsanitize=address,undefined -no-pie)
endif()
