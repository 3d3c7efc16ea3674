# The options every module of the collection takes (module_utils/dax.py COMMON_ARGS).
from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    DOCUMENTATION = r'''
options:
  dax:
    description: The dax binary (a name looked up in C(PATH), or a path).
    type: path
    default: dax
  sysroot:
    description:
      - Use C(SYSROOT/sys), C(SYSROOT/proc), C(SYSROOT/dev) and C(SYSROOT/etc) instead of C(/sys), C(/proc),
        C(/dev) and C(/etc) (C(dax --sysroot)), as lsmem and chmem do; for tests on captured trees.
    type: path
    default: /
notes:
  - The C(dax) binary must be installed on the managed host; the module only runs it and reads its JSON.
'''
