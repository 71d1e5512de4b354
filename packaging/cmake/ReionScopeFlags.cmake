# Project-wide compiler flags, chosen by the options in the top-level CMakeLists.txt.
add_library(reionscope_flags INTERFACE)
target_compile_options(reionscope_flags INTERFACE -Wall -Wextra -Wno-unused-parameter
  # GCC 12 false positive on std::string concatenation (GCC PR105651).
  $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>)
if(REIONSCOPE_STRICT_WARNINGS)
  target_compile_options(reionscope_flags INTERFACE -Werror)
endif()
if(REIONSCOPE_SANITIZE)
  target_compile_options(reionscope_flags INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
                                                    -fno-sanitize-recover=undefined)
  target_link_options(reionscope_flags INTERFACE -fsanitize=address,undefined)
endif()
if(REIONSCOPE_TSAN)
  target_compile_options(reionscope_flags INTERFACE -fsanitize=thread -fno-omit-frame-pointer -g)
  target_link_options(reionscope_flags INTERFACE -fsanitize=thread)
endif()
if(REIONSCOPE_COVERAGE)
  target_compile_options(reionscope_flags INTERFACE --coverage -O0)
  target_link_options(reionscope_flags INTERFACE --coverage)
endif()
