# Script mode: writes OUT, a C++ source defining liaison::storage::embedded_migrations().
set(body "")
string(REPLACE "|" ";" FILES "${FILES}")
foreach(f IN LISTS FILES)
  get_filename_component(name "${f}" NAME)
  string(SUBSTRING "${name}" 0 4 num)
  math(EXPR num "${num}")
  file(READ "${f}" sql)
  string(APPEND body "    {${num}, \"${name}\", R\"liaison_sql(${sql})liaison_sql\"},\n")
endforeach()
file(WRITE "${OUT}.tmp" "// Generated from schema/*.sql by cmake/embed_schema_run.cmake. Do not edit.
#include \"shared/storage/migrations.h\"

namespace liaison::storage {

const std::vector<Migration>& embedded_migrations() {
  static const std::vector<Migration> kMigrations = {
${body}  };
  return kMigrations;
}

}  // namespace liaison::storage
")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUT}.tmp" "${OUT}")
