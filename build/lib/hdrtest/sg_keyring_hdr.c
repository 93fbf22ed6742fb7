#include "sg_keyring.h"
