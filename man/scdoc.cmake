# cmake -DSCDOC=scdoc -DINPUT=page.1.scd -DOUTPUT=page.1 -DVERSION=x.y.z -P scdoc.cmake
#
# Builds one man page: expands "%include FILE" lines (FILE next to INPUT) and "@VERSION@",
# runs scdoc, then drops the empty paragraph macros scdoc emits (tidy-roff.awk), which
# mandoc -T lint reports as warnings ("skipping paragraph macro").
cmake_minimum_required(VERSION 3.25)
foreach(var SCDOC INPUT OUTPUT VERSION)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "scdoc.cmake: -D${var}=... is required")
  endif()
endforeach()
get_filename_component(dir ${INPUT} DIRECTORY)

file(READ ${INPUT} text)
while(text MATCHES "(^|\n)%include ([^\n]+)")
  set(name ${CMAKE_MATCH_2})
  if(NOT EXISTS ${dir}/${name})
    message(FATAL_ERROR "${INPUT}: %include ${name}: no such file in ${dir}")
  endif()
  file(READ ${dir}/${name} fragment)
  string(REGEX REPLACE "\n$" "" fragment "${fragment}")
  string(REPLACE "%include ${name}" "${fragment}" text "${text}")
endwhile()
string(REPLACE "@VERSION@" "${VERSION}" text "${text}")

set(expanded ${OUTPUT}.scd)
set(raw ${OUTPUT}.raw)
file(WRITE ${expanded} "${text}")
execute_process(COMMAND ${SCDOC} INPUT_FILE ${expanded} OUTPUT_FILE ${raw}
                ERROR_VARIABLE error RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "scdoc failed on ${INPUT} (expanded: ${expanded}):\n${error}")
endif()
execute_process(COMMAND awk -f ${dir}/tidy-roff.awk ${raw} OUTPUT_FILE ${OUTPUT}
                ERROR_VARIABLE error RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  file(REMOVE ${OUTPUT})
  message(FATAL_ERROR "tidy-roff.awk failed on ${raw}:\n${error}")
endif()
file(REMOVE ${raw})
