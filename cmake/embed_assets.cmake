# liaison_embed_assets(out_var dir): compiles every file of dir (the pages' HTML, CSS and
# JavaScript) into a C++ source defining liaison::web::embedded_assets(), so the programs serve
# them with nothing to install beside the binary. The text of each file is kept as is.
function(liaison_embed_assets out_var dir)
  file(GLOB assets CONFIGURE_DEPENDS "${dir}/*.html" "${dir}/*.css" "${dir}/*.js")
  list(SORT assets)
  string(REPLACE ";" "|" files_arg "${assets}")
  set(out "${CMAKE_CURRENT_BINARY_DIR}/web_assets.cpp")
  add_custom_command(
    OUTPUT "${out}"
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} "-DFILES=${files_arg}"
            -P "${PROJECT_SOURCE_DIR}/cmake/embed_assets_run.cmake"
    DEPENDS ${assets} "${PROJECT_SOURCE_DIR}/cmake/embed_assets_run.cmake"
    COMMENT "Embedding the pages' assets"
    VERBATIM)
  set(${out_var} "${out}" PARENT_SCOPE)
endfunction()
