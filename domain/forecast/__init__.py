"""The 投产 forecast: stage durations learned from the log, projected per quarter.

`spells` turns each project's stage entries into measured, censored and withdrawn
durations, and `table` does the same over arrays of many projects at once;
`curves` fits them (Aalen–Johansen, withdrawal a competing risk); `predict` gives
each open project its chance per quarter; `interval` turns those chances into an
honest low–high; `model` ties them together.
"""
