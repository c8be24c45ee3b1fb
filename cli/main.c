#include <stdio.h>
#include "shanglou.h"
int main(void) { printf("shanglou %s\n", SHANGLOU_VERSION); return 0; }
