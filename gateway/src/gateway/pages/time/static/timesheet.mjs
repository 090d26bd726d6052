// Running totals on the timesheet grid while typing; the server works them out again on save.
const grid = document.getElementById("timesheet-grid");

function minutes(text) {
  const value = (text || "").trim().replace(",", ".");
  if (!value) return 0;
  const clock = value.match(/^(\d{0,2}):(\d{1,2})$/);
  if (clock) return Number(clock[1] || 0) * 60 + Number(clock[2]);
  if (!/^\d{0,3}(\.\d{1,4})?$/.test(value) || value === ".") return NaN;
  return Math.round(Number(value) * 60);
}

function hours(total) {
  return Number.isNaN(total) ? "?" : String(Math.round((total / 60) * 10000) / 10000);
}

function recount() {
  const days = Array(7).fill(0);
  let week = 0;
  grid.querySelectorAll("tbody tr[data-row]").forEach((row) => {
    let rowTotal = 0;
    row.querySelectorAll("input[data-day]").forEach((input) => {
      const m = minutes(input.value);
      rowTotal += m;
      days[Number(input.dataset.day)] += m;
    });
    week += rowTotal;
    const cell = grid.querySelector(`[data-row-total="${row.dataset.row}"]`);
    if (cell) cell.textContent = hours(rowTotal);
  });
  days.forEach((total, day) => {
    const cell = grid.querySelector(`[data-day-total="${day}"]`);
    if (cell) cell.textContent = hours(total);
  });
  const weekCell = grid.querySelector("[data-week-total]");
  if (weekCell) weekCell.textContent = hours(week);
}

if (grid) grid.addEventListener("input", recount);
