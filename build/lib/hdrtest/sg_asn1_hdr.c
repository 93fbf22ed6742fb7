#include "sg_asn1.h"
