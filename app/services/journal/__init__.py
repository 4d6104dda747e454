"""The journal (1.6, 1.7, 4.2-4.8, 5.3): access, roster and grid, lessons, marks, final
grades, periods, progress, the forecast, hours, the timetable, journals from the load."""
