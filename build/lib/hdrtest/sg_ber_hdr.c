#include "sg_ber.h"
