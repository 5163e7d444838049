# Warnings are an INTERFACE target that each project target links PRIVATE.
add_library(liaison_warnings INTERFACE)
add_library(liaison::warnings ALIAS liaison_warnings)
target_compile_options(liaison_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wno-missing-field-initializers)
if(LIAISON_WERROR)
  target_compile_options(liaison_warnings INTERFACE -Werror)
endif()
