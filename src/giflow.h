/* For the Arduino library layout (library.properties), which compiles
 * src/ and puts only src/ on the include path: the public header is
 * include/giflow.h. */
#include "../include/giflow.h"
