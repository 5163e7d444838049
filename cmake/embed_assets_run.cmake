# Script mode: writes OUT, a C++ source defining liaison::web::embedded_assets().
set(body "")
string(REPLACE "|" ";" FILES "${FILES}")
foreach(f IN LISTS FILES)
  get_filename_component(name "${f}" NAME)
  file(READ "${f}" text)
  string(FIND "${text}" ")liaison_asset\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${name} contains the raw-string delimiter")
  endif()
  string(APPEND body "    {\"/${name}\", R\"liaison_asset(${text})liaison_asset\"},\n")
endforeach()
file(WRITE "${OUT}.tmp" "// Generated from shared/web/assets/ by cmake/embed_assets_run.cmake. Do not edit.
#include \"shared/web/assets.h\"

namespace liaison::web {

const std::map<std::string, std::string_view>& embedded_assets() {
  static const std::map<std::string, std::string_view> kAssets = {
${body}  };
  return kAssets;
}

}  // namespace liaison::web
")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUT}.tmp" "${OUT}")
file(REMOVE "${OUT}.tmp")
