#include "sg_status.h"
