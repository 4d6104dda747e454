/* Journal grid: spreadsheet-speed entry of marks and absences (SPEC §2; regulation 4.5).
 * Arrows / Tab / Enter move; 2–5, «н», «з», «нз» enter; Delete clears; «?» shows the history;
 * Esc leaves the grid (WCAG 2.1.2: no keyboard trap).
 * Changes are saved in the background in batches (PUT …/marks), each cell shows its state.
 * A 409 answer means somebody else changed the cell: the current value is shown, nothing lost
 * silently. */
(function () {
  "use strict";
  var root = document.getElementById("jg-root");
  if (!root) { return; }
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var statusEl = document.getElementById("jg-status");
  var kindSelect = document.getElementById("jg-work-kind");
  var SAVE_DELAY = 350;
  /* 4.5: «Н» says the student missed the lesson; a make-up is marked where it was done. */
  var ABSENT_AND_MARK = "В одной клетке не может быть «Н» и отметки: отработку отмечают на " +
    "занятии, где она была.";
  var data = null, cells = {}, pending = {}, inflight = false, timer = null;
  var active = null, typed = "";

  function key(l, s) { return l + ":" + s; }
  function ruDate(iso) { return iso.slice(8, 10) + "." + iso.slice(5, 7); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = text; }
    return e;
  }
  function setStatus(text, cls) {
    statusEl.textContent = text;
    statusEl.className = "jg-status " + (cls || "");
  }
  function request(method, url, body) {
    var headers = {"Accept": "application/json"};
    if (body !== undefined) { headers["Content-Type"] = "application/json"; }
    if (method !== "GET") { headers["X-CSRFToken"] = csrf; }
    return fetch(url, {method: method, headers: headers, credentials: "same-origin",
                       body: body === undefined ? undefined : JSON.stringify(body)})
      .then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (j) {
          return {status: r.status, body: j};
        });
      });
  }

  function cellText(c) {
    if (!c) { return ""; }
    var parts = c.absent ? ["Н"] : [];
    c.marks.forEach(function (m) {
      parts.push(m.value === "зач" ? "з" : m.value === "незач" ? "нз" : m.value);
    });
    return parts.join(" ");
  }
  function enrolled(student, day) {
    return student.spans.some(function (s) {
      return s[0] <= day && (s[1] === null || s[1] >= day);
    });
  }

  function load() {
    request("GET", root.dataset.api).then(function (r) {
      if (r.status !== 200) {
        root.textContent = r.body.message || "Журнал не загружен.";
        return;
      }
      data = r.body;
      cells = {};
      data.cells.forEach(function (c) { cells[key(c.lesson_id, c.student_id)] = c; });
      render();
    });
  }

  function render() {
    var table = el("table", "jg-table");
    table.id = "jg-table";
    var head = el("thead"), hr = el("tr");
    hr.appendChild(el("th", "jg-num", "№"));
    hr.appendChild(el("th", "jg-name", "Студент"));
    data.lessons.forEach(function (l) {
      var th = el("th", "jg-lesson" + (l.complete ? "" : " jg-incomplete") +
                  (l.editable ? "" : " jg-readonly"));
      th.title = ruDate(l.date) + ", пара " + l.pair + ", " + l.hours + " ч. " +
        (l.topic || "Тема не указана") + (l.homework ? "\nД/з: " + l.homework : "") +
        (l.substitution ? "\nЗамена" : "") + (l.late ? "\nВнесено позже дня занятия" : "") +
        (l.attendance_taken ? "\nПосещаемость отмечена" : "\nПосещаемость не отмечена") +
        (l.off_timetable ? "\nВне расписания: " + l.off_timetable : "");
      var a = el(l.editable || data.journal.can_override ? "a" : "span", null, ruDate(l.date));
      if (a.tagName === "A") { a.href = root.dataset.lesson + l.id + "/"; }
      th.appendChild(a);
      /* 1.7: a lesson outside the timetable is marked with "*" (its reason in the title) */
      var pair = el("div", "jg-pair", l.pair + (l.off_timetable ? "*" : "") +
                    (l.complete ? "" : " !"));
      if (l.late) {  /* a sign besides the colour and the tooltip (WCAG 1.4.1) */
        var late = el("span", "jg-late", " ⏱");
        late.setAttribute("aria-hidden", "true");
        pair.appendChild(late);
        pair.appendChild(el("span", "sr-only", " внесено позже дня занятия"));
      }
      th.appendChild(pair);
      th.appendChild(attendanceMark(l));
      th.dataset.lesson = l.id;
      hr.appendChild(th);
    });
    var finalCols = [];
    data.periods.forEach(function (p) {
      (p.kinds || data.final_kinds).forEach(function (k) {
        finalCols.push({period: p, kind: k});
        var th = el("th", "jg-final-head" + (p.locked ? " jg-locked" : ""),
                    p.name + " · " + ({semester: "сем.", year: "год", credit: "зачёт",
                      diff_credit: "д/з", exam: "экз.", course_project: "КП",
                      course_work: "КР", module_exam: "экз. по модулю"}[k] || k));
        th.title = p.deadline ? "Срок: " + p.deadline.split("-").reverse().join(".") : "";
        hr.appendChild(th);
      });
    });
    var avgHead = el("th", "jg-avg", "Ср.");
    avgHead.title = data.journal.average_hint || "";  // the weights of the kinds of work
    hr.appendChild(avgHead);
    head.appendChild(hr);
    table.appendChild(head);
    var body = el("tbody");
    var finals = {};
    data.final_grades.forEach(function (f) {
      finals[f.student_id + ":" + f.period_id + ":" + f.kind] = f;
    });
    data.students.forEach(function (s, i) {
      var tr = el("tr", s.left_on ? "jg-left-row" : "");
      tr.dataset.student = s.id;
      tr.appendChild(el("td", "jg-num", String(i + 1)));
      var name = el("td", "jg-name", s.name);
      name.title = s.full_name + (s.left_on ? " — выбыл(а) " + s.left_on.split("-").reverse().join(".") : "");
      tr.appendChild(name);
      data.lessons.forEach(function (l) {
        var td = el("td", "jg-cell");
        td.dataset.l = l.id;
        td.dataset.s = s.id;
        td.tabIndex = -1;
        if (!enrolled(s, l.date)) {
          td.classList.add("jg-off");
        } else if (!l.editable) {
          td.classList.add("jg-ro");
        }
        td.textContent = cellText(cells[key(l.id, s.id)]);
        markAbsent(td, cells[key(l.id, s.id)]);
        tr.appendChild(td);
      });
      finalCols.forEach(function (fc) {
        var td = el("td", "jg-cell jg-final" + (fc.period.locked ? " jg-locked" : ""));
        td.dataset.s = s.id;
        td.dataset.p = fc.period.id;
        td.dataset.k = fc.kind;
        td.tabIndex = -1;
        var f = finals[s.id + ":" + fc.period.id + ":" + fc.kind];
        td.dataset.v = f ? f.version : 0;
        td.textContent = f ? f.value : "";
        tr.appendChild(td);
      });
      tr.appendChild(el("td", "jg-avg", s.average === null ? "" : s.average.toFixed(2)));
      body.appendChild(tr);
    });
    table.appendChild(body);
    root.innerHTML = "";
    root.appendChild(table);
    openAtLesson(table);
    buildKeypad();
  }

  /* 4.5: under each lesson's date its attendance: «✓» once taken, else (for who may write
   * the lesson) a button that takes it — for a lesson with nobody absent; the first «Н» saved
   * in the column takes it too. A mark alone does not. */
  function attendanceMark(l) {
    var label = ruDate(l.date) + ", пара " + l.pair;
    if (l.attendance_taken) {
      var done = el("div", "jg-att jg-att-done", "✓");
      done.title = "Посещаемость отмечена";
      done.setAttribute("role", "img");
      done.setAttribute("aria-label", "Посещаемость отмечена: " + label);
      done.tabIndex = -1;
      return done;
    }
    if (!l.editable) {
      var none = el("div", "jg-att jg-att-none", "—");
      none.title = "Посещаемость не отмечена";
      none.setAttribute("aria-label", "Посещаемость не отмечена: " + label);
      return none;
    }
    var b = el("button", "btn btn-default btn-xs jg-att jg-att-take", "Отметить");
    b.type = "button";
    b.dataset.lesson = l.id;
    b.title = "Отметить посещаемость: отсутствующих нет";
    b.setAttribute("aria-label", "Отметить посещаемость занятия " + label +
                   " (отсутствующих нет)");
    b.addEventListener("click", function () { takeAttendance(l, b); });
    return b;
  }
  function lessonById(id) {
    return data.lessons.filter(function (l) { return l.id === +id; })[0] || null;
  }
  function showTaken(l) {
    l.attendance_taken = true;
    var th = root.querySelector('th.jg-lesson[data-lesson="' + l.id + '"]');
    var old = th && th.querySelector(".jg-att");
    if (!old || old.classList.contains("jg-att-done")) { return null; }
    var done = attendanceMark(l);
    th.replaceChild(done, old);
    th.title = th.title.replace("Посещаемость не отмечена", "Посещаемость отмечена");
    return done;
  }
  function takeAttendance(l, button) {
    button.disabled = true;
    setStatus("Сохранение…", "jg-busy");
    request("PUT", root.dataset.lessonApi.replace(/0$/, String(l.id)),
            {attendance_taken: true}).then(function (r) {
      if (r.status === 200) {
        var done = showTaken(l);
        if (done) { done.focus(); }
        setStatus("Посещаемость отмечена: " + ruDate(l.date) + ", пара " + l.pair, "jg-ok");
      } else {
        button.disabled = false;
        setStatus(r.body.message || "Посещаемость не отмечена", "jg-err");
      }
    }, function () {
      button.disabled = false;
      setStatus("Нет связи с сервером: посещаемость не отмечена", "jg-err");
    });
  }

  /* The grid opens on the lesson just recorded (?lesson=<id>), else on today's or the latest
   * lesson up to today: its column is scrolled into view (a few earlier ones beside it) and
   * its first cell focused. */
  function targetLesson() {
    var wanted = +root.dataset.focusLesson || 0, today = root.dataset.today, found = null;
    data.lessons.forEach(function (l) {
      if (l.id === wanted) { found = l; }
    });
    if (found) { return found; }
    data.lessons.forEach(function (l) {
      if (l.date <= today) { found = l; }
    });
    return found || data.lessons[data.lessons.length - 1] || null;
  }
  function openAtLesson(table) {
    var lesson = targetLesson(), cell = null;
    if (lesson) {
      var th = table.querySelector('th.jg-lesson[data-lesson="' + lesson.id + '"]');
      var name = table.querySelector("thead th.jg-name");
      th.classList.add("jg-target");
      root.scrollLeft = Math.max(0, th.offsetLeft - name.offsetLeft - name.offsetWidth -
                                    3 * th.offsetWidth);
      var column = table.querySelectorAll('td.jg-cell[data-l="' + lesson.id + '"]');
      column.forEach(function (td) {
        td.classList.add("jg-target");
        if (!cell && !td.classList.contains("jg-off") && !td.classList.contains("jg-ro")) {
          cell = td;
        }
      });
      cell = cell || column[0] || null;
    }
    cell = cell || table.querySelector("td.jg-cell:not(.jg-off):not(.jg-ro)");
    if (cell) { focusCell(cell, true); }
  }

  function markAbsent(td, c) { td.classList.toggle("jg-absent", !!(c && c.absent)); }

  function focusCell(td, keepScroll) {
    if (!td) { return; }
    if (active) { active.classList.remove("jg-active"); active.tabIndex = -1; }
    active = td;
    typed = "";
    td.classList.add("jg-active");
    td.tabIndex = 0;  /* the one cell Tab comes back to from the page (roving tabindex) */
    td.focus({preventScroll: !!keepScroll});
  }

  /* A key the cell refuses gets a short hint beside the cell instead of silence. */
  var hintEl = document.getElementById("jg-hint"), hintTimer = null;
  function hint(td, text) {
    var r = td.getBoundingClientRect();
    hintEl.textContent = text;
    hintEl.hidden = false;
    hintEl.style.top = Math.min(window.innerHeight - 40, r.bottom + 4) + "px";
    hintEl.style.left = Math.max(4, Math.min(window.innerWidth - 320, r.left)) + "px";
    clearTimeout(hintTimer);
    hintTimer = setTimeout(function () { hintEl.hidden = true; }, 3000);
  }
  function normalKey(k) {
    return k.toLowerCase().replace(/n|y/g, "н").replace(/p/g, "з");
  }
  function allowedText(final) {
    if (final) { return "Итоговая оценка: 2–5, «з» (зачёт), «нз» (незачёт), «а» (н/а), «ня» (неявка), «о» (освобождён), «пз» (перезачтено)."; }
    var credit = data.journal.mark_values.indexOf("зач") >= 0;
    return "Допустимо: отметки 2–5, «н» — неявка" + (credit ? ", «з»/«нз» — зачёт/незачёт" : "") +
      "; Delete — очистить.";
  }
  function refusal(td, k) {
    if (td.classList.contains("jg-off")) {
      return "Студент в этот день не числился в группе (подгруппе).";
    }
    var final = td.classList.contains("jg-final");
    if (!editable(td)) {
      return final ? "Итоговую оценку здесь изменить нельзя." :
        "Только просмотр: отметки этого занятия вносит его преподаватель.";
    }
    var c = normalKey(k);
    if (final) { return /^[2-5зна]$/.test(c) ? null : allowedText(true); }
    if (c === "н") { return null; }
    if (c === "з") { return data.journal.mark_values.indexOf("зач") >= 0 ? null : allowedText(); }
    if (/^[0-9]$/.test(c)) {
      return data.journal.mark_values.indexOf(c) >= 0 ? null : "Отметки — от 2 до 5.";
    }
    return allowedText();
  }

  function move(dr, dc) {
    if (!active) { return; }
    var tr = active.parentElement, rows = Array.prototype.slice.call(tr.parentElement.children);
    var cellsInRow = Array.prototype.slice.call(tr.querySelectorAll("td.jg-cell"));
    var ci = cellsInRow.indexOf(active), ri = rows.indexOf(tr);
    ci += dc;
    ri += dr;
    if (ci < 0 || ci >= cellsInRow.length) {
      if (dr !== 0) { return; }
      ri += ci < 0 ? -1 : 1;
      if (ri < 0 || ri >= rows.length) { return; }
      var next = rows[ri].querySelectorAll("td.jg-cell");
      focusCell(next[ci < 0 ? next.length - 1 : 0]);
      return;
    }
    if (ri < 0 || ri >= rows.length) { return; }
    focusCell(rows[ri].querySelectorAll("td.jg-cell")[ci]);
  }

  /* The typed text of the cell → its state: «н» absence, 2–5 marks, «з»/«нз» credit. */
  function parseTyped(text) {
    var allowed = data.journal.mark_values;
    var credit = allowed.indexOf("зач") >= 0;
    var absent = false, marks = [], kind = kindSelect ? kindSelect.value : "current";
    text = normalKey(text);
    if (credit) { text = text.replace(/нз/g, "x"); }
    for (var i = 0; i < text.length; i++) {
      if (text[i] === "x") { marks.push({value: "незач", kind: kind}); }
      else if (text[i] === "з" && credit) { marks.push({value: "зач", kind: kind}); }
      else if (text[i] === "н") { absent = true; }
      else if (allowed.indexOf(text[i]) >= 0) { marks.push({value: text[i], kind: kind}); }
    }
    return {absent: absent, marks: marks.slice(0, 4)};
  }

  /* «Н» and a mark in one cell are refused before anything is sent (the server refuses too). */
  function absentWithMark(td, text) {
    if (td.classList.contains("jg-final")) { return null; }
    var state = parseTyped(text);
    return state.absent && state.marks.length ? ABSENT_AND_MARK : null;
  }

  function editable(td) {
    return td && !td.classList.contains("jg-off") && !td.classList.contains("jg-ro") &&
      (td.classList.contains("jg-final") ? (data.journal.can_write || data.journal.can_override)
                                           : data.journal.can_write || !td.classList.contains("jg-ro"));
  }

  function typeInto(td, text) {
    if (!editable(td)) { return; }
    if (td.classList.contains("jg-final")) { return typeFinal(td, text); }
    var state = parseTyped(text);
    setCell(td, state);
  }

  function setCell(td, state) {
    var k = key(td.dataset.l, td.dataset.s);
    var current = cells[k] || {lesson_id: +td.dataset.l, student_id: +td.dataset.s,
                               version: 0, absent: false, marks: []};
    var base = pending[k] ? pending[k].version : current.version;
    pending[k] = {lesson_id: +td.dataset.l, student_id: +td.dataset.s, version: base,
                  absent: state.absent, marks: state.marks};
    td.textContent = cellText(state);
    markAbsent(td, state);
    td.classList.remove("jg-saved", "jg-error", "jg-conflict");
    td.classList.add("jg-pending");
    td.title = "";
    schedule();
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(flush, SAVE_DELAY);
  }

  function tdFor(l, s) {
    return root.querySelector('td.jg-cell[data-l="' + l + '"][data-s="' + s + '"]');
  }

  function flush() {
    if (inflight) { schedule(); return; }
    var batch = Object.keys(pending).map(function (k) { return pending[k]; });
    if (!batch.length) { return; }
    pending = {};
    inflight = true;
    setStatus("Сохранение…", "jg-busy");
    request("PUT", root.dataset.marks, {changes: batch}).then(function (r) {
      inflight = false;
      if (r.status === 200) {
        r.body.cells.forEach(function (c) {
          cells[key(c.lesson_id, c.student_id)] = c;
          var k = key(c.lesson_id, c.student_id);
          if (pending[k]) { pending[k].version = c.version; }
          var td = tdFor(c.lesson_id, c.student_id);
          if (td && !pending[k]) { td.classList.remove("jg-pending"); td.classList.add("jg-saved"); }
        });
        batch.forEach(function (ch) {  /* the first «Н» took the lesson's attendance */
          var l = ch.absent && lessonById(ch.lesson_id);
          if (l && !l.attendance_taken) { showTaken(l); }
        });
        setStatus("Сохранено", "jg-ok");
        recomputeAverages();
      } else if (r.status === 409) {
        var conflicted = {};
        (r.body.conflicts || []).forEach(function (c) {
          var k = key(c.lesson_id, c.student_id);
          conflicted[k] = true;
          cells[k] = c;
          var td = tdFor(c.lesson_id, c.student_id);
          if (td) {
            td.textContent = cellText(c);
            markAbsent(td, c);
            td.classList.remove("jg-pending");
            td.classList.add("jg-conflict");
            td.title = "Ячейку изменил другой пользователь. Текущее значение: " +
              (cellText(c) || "пусто");
          }
        });
        batch.forEach(function (ch) {  /* the rest of the batch is sent again */
          var k = key(ch.lesson_id, ch.student_id);
          if (!conflicted[k] && !pending[k]) { pending[k] = ch; }
        });
        setStatus(r.body.message || "Конфликт изменений", "jg-err");
        if (Object.keys(pending).length) { schedule(); }
      } else {
        batch.forEach(function (ch) {
          var td = tdFor(ch.lesson_id, ch.student_id);
          if (td) {
            td.classList.remove("jg-pending");
            td.classList.add("jg-error");
            td.title = r.body.message || "Ошибка сохранения";
          }
        });
        setStatus(r.body.message || "Ошибка сохранения", "jg-err");
      }
    }, function () {
      inflight = false;
      batch.forEach(function (ch) {
        var k = key(ch.lesson_id, ch.student_id);
        if (!pending[k]) { pending[k] = ch; }
      });
      setStatus("Нет связи с сервером: повтор через 3 с", "jg-err");
      clearTimeout(timer);
      timer = setTimeout(flush, 3000);
    });
  }

  /* The weighted average is the server's (services/progress.py): read it again after a save. */
  function recomputeAverages() {
    request("GET", root.dataset.api).then(function (r) {
      if (r.status !== 200) { return; }
      r.body.students.forEach(function (s) {
        var row = root.querySelector('tr[data-student="' + s.id + '"] td.jg-avg');
        if (row) { row.textContent = s.average === null ? "" : s.average.toFixed(2); }
      });
    });
  }

  /* Final grades (4.7): saved one by one; after the deadline the Deputy gives a reason. */
  function typeFinal(td, text) {
    var t = text.toLowerCase();
    var value = {"2": "2", "3": "3", "4": "4", "5": "5", "з": "зач", "нз": "незач",
                 "а": "н/а", "на": "н/а", "ня": "неяв", "о": "осв", "пз": "перезач"}[t];
    if (!value) { return; }
    var period = data.periods.filter(function (p) { return p.id === +td.dataset.p; })[0];
    var body = {student_id: +td.dataset.s, period_id: +td.dataset.p, kind: td.dataset.k,
                value: value, version: +td.dataset.v};
    if (value === "перезач") {  /* 4.7: credits transferred rest on a document of a date */
      body.basis = window.prompt("Документ-основание перезачёта (например, академическая справка № 15):");
      if (!body.basis) { return; }
      body.basis_date = window.prompt("Дата документа (дд.мм.гггг):");
      if (!body.basis_date) { return; }
    }
    if (data.journal.can_override && (period.locked || !data.journal.can_write)) {
      var reason = window.prompt("Основание изменения итоговой оценки:");
      if (!reason) { return; }
      body.reason = reason;
    }
    var previous = td.textContent;  // shown again when the server refuses (a locked period)
    td.textContent = value;
    td.classList.add("jg-pending");
    request("PUT", root.dataset.finals, body).then(function (r) {
      td.classList.remove("jg-pending");
      if (r.status === 200) {
        td.dataset.v = r.body.result.version;
        td.classList.add("jg-saved");
        setStatus("Сохранено", "jg-ok");
      } else {
        td.textContent = previous;  // the refused value never stays in the cell
        td.classList.add(r.status === 409 ? "jg-conflict" : "jg-error");
        td.title = r.body.message || "";
        setStatus(r.body.message || "Ошибка", "jg-err");
      }
    });
  }

  function showHistory(td) {
    if (!td || !td.dataset.l) { return; }
    var url = root.dataset.history.replace("/0/0/", "/" + td.dataset.l + "/" + td.dataset.s + "/");
    var box = document.getElementById("jg-history"), out = document.getElementById("jg-history-body");
    request("GET", url).then(function (r) {
      out.innerHTML = "";
      var rows = r.body.result || [];
      if (!rows.length) { out.appendChild(el("p", "journal-muted", "Изменений нет.")); }
      var table = el("table", "table table-condensed");
      rows.forEach(function (h) {
        var tr = el("tr");
        tr.appendChild(el("td", null, h.at.replace("T", " ").slice(0, 16)));
        tr.appendChild(el("td", null, h.by));
        tr.appendChild(el("td", null, (h.old || "пусто") + " → " + (h.new || "пусто")));
        tr.appendChild(el("td", null, (h.correction ? "исправление" : "") +
                                      (h.reason ? ": " + h.reason : "")));
        table.appendChild(tr);
      });
      out.appendChild(table);
      box.hidden = false;
      historyOf = td;
      document.getElementById("jg-history-close").focus();
    });
  }
  /* The history is a dialog: the focus goes to its close button, Esc or the button closes it
     and the focus returns to the cell it is about. */
  var historyOf = null;
  function closeHistory() {
    document.getElementById("jg-history").hidden = true;
    if (historyOf) { focusCell(historyOf, true); historyOf = null; }
  }
  document.getElementById("jg-history-close").addEventListener("click", closeHistory);
  document.getElementById("jg-history").addEventListener("keydown", function (e) {
    if (e.key === "Escape") { e.preventDefault(); closeHistory(); }
    if (e.key === "Tab") { e.preventDefault(); }  /* the close button is its only control */
  });

  root.addEventListener("click", function (e) {
    var td = e.target.closest("td.jg-cell");
    if (td) { focusCell(td); }
  });
  root.addEventListener("dblclick", function (e) {
    var td = e.target.closest("td.jg-cell");
    if (td) { showHistory(td); }
  });
  root.addEventListener("keydown", function (e) {
    /* keys act on the cells only: on a lesson's link in the header Tab and Enter keep their
       own meaning */
    if (!active || e.ctrlKey || e.metaKey || e.altKey || !e.target.closest("td.jg-cell")) {
      return;
    }
    var k = e.key;
    var moves = {ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1],
                 Enter: [1, 0]};
    if (moves[k]) { e.preventDefault(); move(moves[k][0], moves[k][1]); return; }
    if (k === "Tab") {  /* past the grid's first or last cell the focus leaves it */
      var all = root.querySelectorAll("td.jg-cell");
      if (active === all[e.shiftKey ? 0 : all.length - 1]) { return; }
      e.preventDefault(); move(0, e.shiftKey ? -1 : 1); return;
    }
    if (k === "Escape") {  /* leave the grid for the page's buttons above it */
      e.preventDefault();
      var out = document.querySelector(".jg-actions a, .jg-actions select, .jg-keypad button");
      if (out) { out.focus(); }
      return;
    }
    if (k === "Delete" || k === "Backspace") {
      e.preventDefault();
      typed = "";
      if (editable(active) && !active.classList.contains("jg-final")) {
        setCell(active, {absent: false, marks: []});
      } else if (!editable(active)) {
        hint(active, refusal(active, "2"));
      }
      return;
    }
    if (k === "?") { e.preventDefault(); showHistory(active); return; }
    if (k.length === 1 && k !== " ") {
      e.preventDefault();
      var refused = refusal(active, k) || absentWithMark(active, typed + k);
      if (refused) { hint(active, refused); return; }
      typed += k;
      typeInto(active, typed);
    }
  });

  /* Tablet and mouse: an on-screen keypad acting on the active cell. */
  function buildKeypad() {
    var pad = document.getElementById("jg-keypad");
    if (!pad) { return; }  /* the read-only view has no keypad */
    pad.innerHTML = "";
    var keys = data.journal.assessment_form === "credit" ? ["з", "нз", "н"] : ["2", "3", "4", "5", "н"];
    keys.forEach(function (label) {
      var b = el("button", "btn btn-default btn-sm jg-key", label === "н" ? "Н" : label);
      b.type = "button";
      b.addEventListener("click", function () {
        if (!active) { return; }
        var t = typed + label;
        var refused = editable(active) && absentWithMark(active, t);
        if (refused) { hint(active, refused); active.focus(); return; }
        typeInto(active, t);
        typed = t;
        active.focus();
      });
      pad.appendChild(b);
    });
    var clear = el("button", "btn btn-default btn-sm jg-key", "⌫");
    clear.type = "button";
    clear.title = "Очистить";
    clear.addEventListener("click", function () {
      if (active && editable(active) && !active.classList.contains("jg-final")) {
        typed = "";
        setCell(active, {absent: false, marks: []});
        active.focus();
      }
    });
    pad.appendChild(clear);
    var hist = el("button", "btn btn-default btn-sm jg-key", "История");
    hist.type = "button";
    hist.addEventListener("click", function () { showHistory(active); });
    pad.appendChild(hist);
  }

  window.addEventListener("beforeunload", function (e) {
    if (Object.keys(pending).length || inflight) { flush(); e.preventDefault(); e.returnValue = ""; }
  });
  load();
}());
