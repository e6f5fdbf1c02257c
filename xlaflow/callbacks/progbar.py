"""``Progbar``: Keras' text progress bar (``keras.utils.Progbar``), also used by ``ProgbarLogger``.

Written here rather than on top of tqdm or rich: ``keras.utils.Progbar`` is itself
part of the Keras API (same arguments, same ``update``/``add`` methods), and its line
format — ``12/50 ━━━━━━━━━━━━━━━━━━━━ 1s 20ms/step - acc: 0.9000 - loss: 0.2500``
with Keras' ETA, per-step time and ``.4f``/``.4e`` value rules — is not a format
either library produces without replacing its formatter, i.e. writing this code
anyway around a heavier dependency.

Two behaviours differ from Keras on purpose:

* Output is live (redrawn with ``\\r`` and coloured) only when ``sys.stdout`` is a
  terminal (or a notebook). Keras also redraws into pipes and log files, filling
  them with backspaces and colour codes; here a pipe gets one plain final line per
  bar (``verbose=1``) — the same text a terminal ends up showing.
* Values may be device scalars that are not yet synchronised: they are kept as given
  and converted with ``float()`` only when a line is drawn (at most every
  ``interval`` seconds, and at the end), so a live bar costs almost nothing.
"""

from __future__ import annotations

import math
import os
import re
import sys
import time
from typing import Any

from xlaflow.callbacks.callback import to_float

_BOLD, _GREEN, _GREY, _RESET = "\x1b[1m", "\x1b[32m", "\x1b[37m", "\x1b[0m"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _interactive() -> bool:
    stdout = sys.stdout
    isatty = getattr(stdout, "isatty", None)
    try:
        tty = bool(isatty()) if isatty else False
    except ValueError:  # a closed stream
        tty = False
    return tty or "ipykernel" in sys.modules or "PYCHARM_HOSTED" in os.environ


def _format_time(time_per_unit: float, unit_name: str) -> str:
    if time_per_unit >= 1 or time_per_unit == 0:
        return f" {time_per_unit:.0f}s/{unit_name}"
    if time_per_unit >= 1e-3:
        return f" {time_per_unit * 1e3:.0f}ms/{unit_name}"
    return f" {time_per_unit * 1e6:.0f}us/{unit_name}"


def _format_eta(eta: float) -> str:
    if eta > 3600:
        return "%d:%02d:%02d" % (eta // 3600, (eta % 3600) // 60, eta % 60)
    if eta > 60:
        return "%d:%02d" % (eta // 60, eta % 60)
    return "%ds" % eta


class Progbar:
    """A text progress bar (``keras.utils.Progbar``).

    Args:
      target: the total number of steps, or None if unknown.
      width: the bar's width in characters.
      verbose: 1 (a live bar), 2 (one line when finished) or 0 (silent).
      interval: the minimum number of seconds between two redraws.
      stateful_metrics: names of values shown as given (others are averaged over
        steps). Only one of ``stateful_metrics``/``stateless_metrics`` may be given.
      stateless_metrics: names of values averaged over steps (all others are shown
        as given).
      unit_name: the name of a step in the per-step time (``"step"``).

    Raises:
      ValueError: both ``stateful_metrics`` and ``stateless_metrics`` were given.
    """

    def __init__(self, target: int | None, width: int = 20, verbose: int = 1, interval: float = 0.05,
                 stateful_metrics: Any = None, stateless_metrics: Any = None, unit_name: str = "step"):
        if stateful_metrics is not None and stateless_metrics is not None:
            raise ValueError(
                "Progbar: only one of `stateful_metrics` and `stateless_metrics` can be provided. "
                f"Received: stateful_metrics={stateful_metrics!r}, stateless_metrics={stateless_metrics!r}"
            )
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        self.stateful_metrics = set(stateful_metrics or ()) if stateless_metrics is None else None
        self.stateless_metrics = set(stateless_metrics) if stateless_metrics is not None else None
        self._dynamic_display = _interactive()
        self._seen_so_far = 0
        self._values: dict[str, list] = {}
        self._values_order: list[str] = []
        self._start = time.time()
        self._last_update = 0.0
        self._time_after_first_step: float | None = None
        self._prev_total_width = 0

    def update(self, current: int, values: list | None = None, finalize: bool | None = None) -> None:
        """Move the bar to step ``current``.

        Args:
          current: the index of the current step (1-based).
          values: a list of ``(name, value)`` pairs to show.
          finalize: whether this is the last update (default: ``current >= target``).
        """
        if finalize is None:
            finalize = False if self.target is None else current >= self.target
        for k, v in values or []:
            if k not in self._values_order:
                self._values_order.append(k)
            stateless = (k not in self.stateful_metrics) if self.stateful_metrics is not None \
                else (k in self.stateless_metrics)
            if stateless and not finalize:
                base = max(current - self._seen_so_far, 1)
                if k in self._values:
                    self._values[k][0] = self._values[k][0] + v * base
                    self._values[k][1] += base
                else:
                    self._values[k] = [v * base, base]
            else:
                self._values[k] = [v, 1]
        self._seen_so_far = current
        now = time.time()
        time_per_unit = self._estimate_step_duration(current, now)
        if self.verbose == 1:
            if not finalize and (not self._dynamic_display or now - self._last_update < self.interval):
                return
            self._draw_live(current, now, time_per_unit, finalize)
        elif self.verbose == 2 and finalize and self.target is not None and self.target > 0:
            digits = int(math.log10(self.target)) + 1
            line = f"%{digits}d/%d - {now - self._start:.0f}s -" % (current, self.target)
            line += _format_time(time_per_unit, self.unit_name) + self._values_text(absolute=False)
            _write(line + "\n")
        self._last_update = now

    def add(self, n: int, values: list | None = None) -> None:
        """Advance the bar by ``n`` steps."""
        self.update(self._seen_so_far + n, values)

    # --- drawing ---------------------------------------------------------------------
    def _draw_live(self, current: int, now: float, time_per_unit: float, finalize: bool) -> None:
        color = self._dynamic_display
        bold, reset = (_BOLD, _RESET) if color else ("", "")
        if self.target is not None and self.target > 0:
            digits = int(math.log10(self.target)) + 1
            filled = int(self.width * float(current) / self.target)
            bar = f"{bold}%{digits}d/%d{reset} " % (current, self.target)
            if color:
                bar += f"{_GREEN}{'━' * filled}{reset}" if filled > 0 else ""
                bar += f"{_GREY}{'━' * (self.width - filled)}{reset}"
            else:
                bar += "━" * filled + " " * (self.width - filled)
        else:
            bar = "%7d/Unknown" % current
        if self.target is not None and self.target > 0 and not finalize:
            elapsed = _format_eta(time_per_unit * (self.target - current))
        else:
            elapsed = f"{now - self._start:.0f}s"
        message = bar + f" {bold}{elapsed}{reset}" + _format_time(time_per_unit, self.unit_name)
        message += self._values_text(absolute=True)
        visible = len(_ANSI.sub("", message))
        if self._dynamic_display:
            message = "\r" + message + " " * max(self._prev_total_width - visible, 0)
        if finalize or not self._dynamic_display:
            message += "\n"
        _write(message)
        self._prev_total_width = visible

    def _values_text(self, absolute: bool) -> str:
        text = ""
        for k in self._values_order:
            total, count = self._values[k]
            avg = to_float(total) / max(1, count)
            # Keras tests abs() on the live bar and the signed value on the verbose=2 line.
            big = abs(avg) > 1e-3 if absolute else avg > 1e-3
            text += f" - {k}: {avg:.4f}" if big else f" - {k}: {avg:.4e}"
        return text

    def _estimate_step_duration(self, current: int, now: float) -> float:
        if not current:
            return 0.0
        if self._time_after_first_step is not None and current > 1:
            per_unit = (now - self._time_after_first_step) / (current - 1)
        else:
            per_unit = (now - self._start) / current
        if current == 1:
            self._time_after_first_step = now
        return per_unit


def _write(message: str) -> None:
    stream = sys.stdout
    try:
        stream.write(message)
    except UnicodeEncodeError:
        stream.write(message.replace("━", "="))
    stream.flush()
