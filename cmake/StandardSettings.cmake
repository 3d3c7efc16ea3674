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
  target_link_options(dax_standard_settings INTERFACE -fsanitize=address,undefined)
endif()
