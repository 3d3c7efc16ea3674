# What every module of the collection shares (dax.dax.dax): its options (module_utils/dax.py COMMON_ARGS),
# check mode (dax --dry-run), the note on the binary and the author; CHANGES or READ_ONLY adds the rest.
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
attributes:
  check_mode:
    support: full
notes:
  - The C(dax) binary must be installed on the managed host; the module only runs it and reads its JSON.
author:
  - dax maintainers
'''

    # dax.dax.dax.changes: modules that bring devices to a mode (module_utils/dax.py MODE_ARGS; each
    # module describes force, which stands for its own command's --force), show the change with --diff,
    # and dax.dax.info reads it.
    CHANGES = r'''
options:
  online:
    description: System-ram only; the memory online (true) or offline (false).
    type: bool
    default: true
  movable:
    description: System-ram only; online as movable memory (zone Movable, true) or as kernel memory (zone Normal, false).
    type: bool
    default: true
  force:
    type: bool
    default: false
attributes:
  diff_mode:
    support: full
seealso:
  - module: dax.dax.info
'''

    # dax.dax.dax.read_only: modules that change nothing, so have nothing to show with --diff.
    READ_ONLY = r'''
attributes:
  diff_mode:
    support: none
'''
