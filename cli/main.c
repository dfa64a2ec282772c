#include <stdio.h>

#include "giflow.h"

int main(void)
{
    fprintf(stderr, "giflow %s\n", GIFLOW_VERSION_STRING);
    return 0;
}
