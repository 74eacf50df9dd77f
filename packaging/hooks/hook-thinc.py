"""Replaces the community hook for thinc (which collects ``thinc.tests`` too, dragging in
pytest and hypothesis): all submodules except the tests, and the kernel sources that
``thinc.backends`` reads at import (``_custom_kernels.cu``, ``_murmur3.cu``)."""

from PyInstaller.utils.hooks import collect_data_files, collect_submodules

hiddenimports = collect_submodules("thinc", filter=lambda n: ".tests" not in n)
hiddenimports += ["cymem.cymem", "preshed.maps", "preshed.counter", "preshed.bloom",
                  "murmurhash.mrmr", "blis.py", "blis.cy"]
excludedimports = ["thinc.tests"]
datas = collect_data_files("thinc", includes=["backends/*.cu", "backends/*.hh"])
