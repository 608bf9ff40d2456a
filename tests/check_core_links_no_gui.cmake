# The core never links QtGui or QtWidgets (DESIGN.md, "Layers"): a program that links only
# runlens_core (a fuzz target, runlens-cli) must not load them.
# Run as: cmake -DCLI=<path> -P this-file
execute_process(COMMAND ldd ${CLI} OUTPUT_VARIABLE libs RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "ldd failed on ${CLI}")
endif()
if(libs MATCHES "libQt6(Gui|Widgets|Charts)")
    message(FATAL_ERROR "${CLI} loads a GUI library:\n${libs}")
endif()
if(NOT libs MATCHES "libQt6Core")
    message(FATAL_ERROR "unexpected ldd output:\n${libs}")
endif()
