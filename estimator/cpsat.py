"""OR-Tools CP-SAT solves that Ctrl-C can stop: the one way the project runs a CpSolver."""

from __future__ import annotations

import threading
from typing import Any


def solve_interruptibly(solver: Any, model: Any) -> Any:
    """``solver.solve(model)`` in a thread (CP-SAT releases the GIL), so that Ctrl-C stops the
    search and raises KeyboardInterrupt here. CP-SAT's own SIGINT handler would end the search
    as if its time were up, and the interrupted run would pass for a finished one; it also
    leaves SIGINT at the operating system's default afterwards, so that a later Ctrl-C kills
    the process without its cleanup (partial files). Every CP-SAT solve goes through here."""
    solver.parameters.catch_sigint_signal = False
    outcome: dict[str, Any] = {}
    finished = threading.Event()  # not Thread.join: an interrupted join forgets the thread

    def target() -> None:
        try:
            outcome["status"] = solver.solve(model)
        except BaseException as error:  # noqa: BLE001 - re-raised in the caller's thread
            outcome["error"] = error
        finally:
            finished.set()

    threading.Thread(target=target, name="cp-sat", daemon=True).start()
    try:
        while not finished.wait(0.05):
            pass
    except KeyboardInterrupt:
        solver.stop_search()
        finished.wait()
        raise
    if "error" in outcome:
        raise outcome["error"]
    return outcome["status"]
