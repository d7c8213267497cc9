"""Peak memory of this process over a block of code, from the kernel's high-water mark.

`ru_maxrss` only ever rises, so after earlier tests it says nothing about one request. Linux
resets the high-water mark (VmHWM) when "5" is written to /proc/self/clear_refs (Linux 4.0+):
reset it, run the block, read it again.
"""

from __future__ import annotations

from budgetapp.imports.isolation import proc_status_kb

MB = 1024 * 1024


class PeakMemory:
    """`with PeakMemory() as peak: ...`; then `peak.growth` is how many bytes this process's
    resident memory rose, at its highest, above what it was at the start of the block."""

    start: int = 0
    peak: int = 0

    def __enter__(self) -> PeakMemory:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
        self.start = proc_status_kb("VmRSS") * 1024
        return self

    def __exit__(self, *exc_info) -> None:
        self.peak = proc_status_kb("VmHWM") * 1024

    @property
    def growth(self) -> int:
        return max(0, self.peak - self.start)
