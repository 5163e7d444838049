# Embeds the numbered migrations in schema/ into a generated C++ source, so that every binary
# carries the schema it expects and migrates a replica on open.
function(liaison_embed_schema out_var)
  file(GLOB migrations CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/schema/[0-9][0-9][0-9][0-9]_*.sql")
  list(SORT migrations)
  # A CMake list would split the command line at its semicolons: pass the files '|'-separated.
  string(REPLACE ";" "|" files_arg "${migrations}")
  set(out "${CMAKE_CURRENT_BINARY_DIR}/schema_migrations.cpp")
  add_custom_command(
    OUTPUT "${out}"
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} "-DFILES=${files_arg}"
            -P "${PROJECT_SOURCE_DIR}/cmake/embed_schema_run.cmake"
    DEPENDS ${migrations} "${PROJECT_SOURCE_DIR}/cmake/embed_schema_run.cmake"
    COMMENT "Embedding schema migrations"
    VERBATIM)
  set(${out_var} "${out}" PARENT_SCOPE)
endfunction()
