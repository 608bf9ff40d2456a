# runlens-cli installed (the `cli` component, as the package lays it out: bin/ and
# libexec/runlens/) still draws a chart into a PNG and an SVG, through runlens-draw.
# Run as: cmake -DBUILD=<build dir> -DDEMO=<demo project> -DROOT=<scratch dir> -P this-file
file(REMOVE_RECURSE ${ROOT})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD} --prefix ${ROOT} --component cli
                OUTPUT_QUIET RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "cmake --install of the cli component failed")
endif()
if(EXISTS ${ROOT}/bin/runlens-draw)
    message(FATAL_ERROR "runlens-draw belongs in libexec/runlens, not bin/")
endif()
foreach(picture loss.png loss.svg)
    execute_process(COMMAND ${ROOT}/bin/runlens-cli chart ${DEMO} --metric loss --size 400x300
                            --out ${ROOT}/${picture}
                    RESULT_VARIABLE rc ERROR_VARIABLE err)
    if(NOT rc EQUAL 0 OR NOT EXISTS ${ROOT}/${picture})
        message(FATAL_ERROR "installed runlens-cli chart --out ${picture} failed (${rc}): ${err}")
    endif()
    file(READ ${ROOT}/${picture} head LIMIT 200)
    if(NOT head MATCHES "PNG|<svg")
        message(FATAL_ERROR "${picture} is neither a PNG nor an SVG")
    endif()
endforeach()
file(REMOVE_RECURSE ${ROOT})
