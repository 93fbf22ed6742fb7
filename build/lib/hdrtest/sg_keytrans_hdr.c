#include "sg_keytrans.h"
