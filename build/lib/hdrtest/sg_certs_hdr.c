#include "sg_certs.h"
