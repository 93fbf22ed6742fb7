#include "sg_buf.h"
