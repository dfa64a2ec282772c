/* stb_image implementation, compiled with the bench's flags (-O2).
 * stb_image is public domain / MIT (Debian libstb-dev header). */
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_GIF
#include <stb/stb_image.h>
