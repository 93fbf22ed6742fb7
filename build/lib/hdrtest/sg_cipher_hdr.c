#include "sg_cipher.h"
