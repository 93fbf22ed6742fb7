# Compiler warnings, -Werror and sanitizers for every target of the project.
add_compile_options(-Wall -Wextra -Wformat=2 -Wshadow -Wpointer-arith
                    -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
                    -fstack-protector-strong)
add_compile_definitions(_FORTIFY_SOURCE=2 _GNU_SOURCE)
if(SMIMEGW_WERROR)
  add_compile_options(-Werror)
endif()
if(SMIMEGW_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
