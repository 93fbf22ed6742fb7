#include "sg_cms.h"
