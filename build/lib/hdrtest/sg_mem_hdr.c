#include "sg_mem.h"
