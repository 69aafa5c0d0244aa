#include "cbits.h"
