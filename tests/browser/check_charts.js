// Checks every chart of a report.html as the browser draws it (tests/browser/check_report.sh
// appends this file to a copy of the page and reads what it writes). Per <svg class="chart">:
// - it is laid out with a size, and draws something: a series polyline of at least two points or
//   a dot, with a non-zero bounding box; unless it says "no data", and then it draws nothing;
// - its y axis stays within what the values can be: the tick labels and the domain drawn
//   (data-y-lo, data-y-hi) within data-y-floor and data-y-ceiling when given, above 0 on a log
//   axis (data-scale="log"); each label at the height its value maps to;
// - every line, dot and band lies inside the plot area (the axis frame), within a pixel;
// - no coordinate is NaN or infinite.
// And the page: nothing wider than the window but inside the table's .table-scroll.
// Output: one line per chart, "ok <chart> ..." or "FAIL <chart>: <why>", then "page ...", as the
// text of a hidden pre element with the id chart-check, which the driver finds in Chromium's
// --dump-dom output (this script removes itself, so that its own text is not found instead).
(function () {
  'use strict';
  const self = document.currentScript;  // removed at the end, so that the dumped page is the report
  const kTolerance = 1.5;  // user units (CSS pixels at the chart's own size)
  const kMaxProblems = 6;  // per chart; one mistake often shows in every line
  const lines = [];

  function fmt(v) {
    return Number.isFinite(v) ? String(+v.toPrecision(6)) : String(v);
  }

  function attributeNumber(svg, name) {
    if (!svg.hasAttribute(name)) return null;
    return Number(svg.getAttribute(name));
  }

  // The plot area: the axis frame polyline "left,top left,bottom right,bottom".
  function plotArea(svg) {
    const frame = svg.querySelector('g.axis > polyline');
    if (!frame || frame.points.numberOfItems !== 3) return null;
    const p = [0, 1, 2].map(i => frame.points.getItem(i));
    return {left: p[0].x, top: p[0].y, right: p[2].x, bottom: p[1].y};
  }

  // The y tick labels: axis texts left of the plot area, with their value and baseline.
  function yTicks(svg, area) {
    return Array.from(svg.querySelectorAll('g.axis > text'))
        .filter(t => Number(t.getAttribute('x')) < area.left)
        .map(t => ({text: t.textContent.trim(), value: Number(t.textContent.trim()), y: Number(t.getAttribute('y'))}));
  }

  // Where a value sits on the y axis, as svg_chart.cpp maps it.
  function yPixel(value, axis, area) {
    const f = axis.log ? (Math.log10(value) - Math.log10(axis.lo)) / (Math.log10(axis.hi) - Math.log10(axis.lo))
                       : (value - axis.lo) / (axis.hi - axis.lo);
    return area.top + (1 - f) * (area.bottom - area.top);
  }

  function inside(box, area, slack) {
    return box.x >= area.left - slack && box.x + box.width <= area.right + slack && box.y >= area.top - slack &&
        box.y + box.height <= area.bottom + slack;
  }

  function describeBox(box) {
    return '[' + fmt(box.x) + ', ' + fmt(box.y) + ', ' + fmt(box.x + box.width) + ', ' + fmt(box.y + box.height) + ']';
  }

  // Problems of one chart, empty when it is fine; `facts` collects what the ok line shows.
  function checkChart(svg, facts) {
    const problems = [];
    const rect = svg.getBoundingClientRect();
    if (!(rect.width > 0 && rect.height > 0)) {
      problems.push('not laid out (rendered size ' + rect.width + 'x' + rect.height + ')');
    }

    for (const el of svg.querySelectorAll('*')) {
      for (const a of el.attributes) {
        if (!a.name.startsWith('data-') && /NaN|Infinity/.test(a.value)) {
          const shown = a.value.slice(0, 40);
          problems.push('a coordinate is not finite: <' + el.tagName + ' ' + a.name + '="' + shown + '">');
        }
      }
    }

    const area = plotArea(svg);
    if (!area || !(area.right > area.left && area.bottom > area.top)) {
      problems.push('no axis frame (g.axis > polyline of 3 points) to find the plot area by');
      return problems;
    }

    // The y axis against what the values can be.
    const axis = {
      log: svg.getAttribute('data-scale') === 'log',
      lo: attributeNumber(svg, 'data-y-lo'),
      hi: attributeNumber(svg, 'data-y-hi'),
      floor: attributeNumber(svg, 'data-y-floor'),
      ceiling: attributeNumber(svg, 'data-y-ceiling'),
    };
    facts.push(axis.log ? 'log' : 'linear');
    if (axis.lo === null || axis.hi === null || !Number.isFinite(axis.lo) || !Number.isFinite(axis.hi) ||
        !(axis.lo < axis.hi)) {
      problems.push('y domain data-y-lo="' + svg.getAttribute('data-y-lo') + '" data-y-hi="' +
                    svg.getAttribute('data-y-hi') + '" is not lo < hi');
      return problems;
    }
    const eps = 1e-9 * Math.max(1, Math.abs(axis.lo), Math.abs(axis.hi));
    const ticks = yTicks(svg, area);
    facts.push('y ' + fmt(axis.lo) + '..' + fmt(axis.hi) + ' (ticks ' + ticks.map(t => t.text).join(' ') + ')');
    if (ticks.length < 2) problems.push('y axis has ' + ticks.length + ' tick label(s)');
    const bounds = [['domain low', axis.lo, null], ['domain high', axis.hi, null]].concat(
        ticks.map(t => ['tick "' + t.text + '"', t.value, t.y]));
    for (const [what, value, labelY] of bounds) {
      if (!Number.isFinite(value)) {
        problems.push('y ' + what + ' is not a number');
      } else if (axis.floor !== null && value < axis.floor - eps) {
        problems.push('y ' + what + ' = ' + fmt(value) + ' is below what the values can be (' + fmt(axis.floor) + ')');
      } else if (axis.ceiling !== null && value > axis.ceiling + eps) {
        problems.push('y ' + what + ' = ' + fmt(value) + ' is above what the values can be (' + fmt(axis.ceiling) +
                      ')');
      } else if (axis.log && !(value > 0)) {
        problems.push('y ' + what + ' = ' + fmt(value) + ' on a log axis');
      } else if (labelY !== null && (value < axis.lo - eps || value > axis.hi + eps)) {
        problems.push('y ' + what + ' lies outside the domain drawn [' + fmt(axis.lo) + ', ' + fmt(axis.hi) + ']');
      } else if (labelY !== null) {
        // A label sits 4 units below its grid line (svg_chart.cpp); far from there it names another value.
        const expected = yPixel(value, axis, area) + 4;
        if (Math.abs(labelY - expected) > 6) {
          problems.push('y ' + what + ' drawn at y=' + fmt(labelY) + ', where its value belongs at y=' + fmt(expected));
        }
      }
    }

    // What the series draw, and that it stays inside the plot area.
    let visible = 0, shapes = 0;
    const areaText =
        describeBox({x: area.left, y: area.top, width: area.right - area.left, height: area.bottom - area.top});
    for (const el of svg.querySelectorAll('g.series polyline, g.series circle, g.series polygon')) {
      ++shapes;
      const box = el.getBBox();
      const title = el.closest('g.series').querySelector('title');
      const name = el.tagName + ' of series "' + (title ? title.textContent : '?') + '"';
      if (el.tagName === 'circle') {
        const cx = el.cx.baseVal.value, cy = el.cy.baseVal.value, r = el.r.baseVal.value;
        if (r > 0 && box.width > 0) ++visible;
        if (!inside({x: cx, y: cy, width: 0, height: 0}, area, kTolerance)) {
          problems.push(name + ' at (' + fmt(cx) + ', ' + fmt(cy) + ') is outside the plot area ' + areaText);
        }
        continue;
      }
      if (el.points.numberOfItems === 0) continue;  // draws nothing, and its box is a point at the origin
      if (el.tagName === 'polyline' && el.points.numberOfItems >= 2 && (box.width > 0 || box.height > 0)) ++visible;
      if (!inside(box, area, kTolerance)) {
        problems.push(name + ' spans ' + describeBox(box) + ', outside the plot area ' + areaText);
      }
    }
    const groups = svg.querySelectorAll('g.series').length;
    const noData = Array.from(svg.children).some(c => c.tagName === 'text' && c.textContent.trim() === 'no data');
    if (noData) {
      facts.push('marked "no data"');
      if (visible > 0) problems.push('says "no data" but draws ' + visible + ' line(s) or dot(s)');
    } else if (visible === 0) {
      problems.push('empty: none of its ' + groups + ' series draws a line of two points or a dot with a size' +
                    ' (' + shapes + ' shape(s) in all), and it does not say "no data"');
    }
    facts.push(groups + ' series, ' + visible + ' lines/dots');
    return problems;
  }

  // A name per chart: its data-chart, and for small multiples that share one, their figure's
  // data-activation (else their position).
  function chartNames(svgs) {
    const counts = {};
    for (const svg of svgs) counts[svg.getAttribute('data-chart')] = (counts[svg.getAttribute('data-chart')] || 0) + 1;
    const seen = {};
    return svgs.map(svg => {
      const id = svg.getAttribute('data-chart') || '(no data-chart)';
      if (counts[svg.getAttribute('data-chart')] === 1) return id;
      seen[id] = (seen[id] || 0) + 1;
      const holder = svg.closest('[data-activation]');
      return id + '[' + (holder ? holder.getAttribute('data-activation') : seen[id]) + ']';
    });
  }

  // The innermost elements that reach past the window, outside any .table-scroll.
  function overflowing(width) {
    const found = [];
    for (const el of document.body.querySelectorAll('*')) {
      if (el.closest('.table-scroll') || el.id === 'chart-check') continue;
      const r = el.getBoundingClientRect();
      if (r.right > width + 0.5 && !Array.from(el.children).some(c => c.getBoundingClientRect().right > width + 0.5)) {
        const cls = el.getAttribute('class');
        const what = el.tagName.toLowerCase() + (cls ? '.' + cls.split(/\s+/).join('.') : '');
        found.push(what + (el.id ? '#' + el.id : '') + ' (right edge ' + fmt(r.right) + ')');
      }
    }
    return found;
  }

  try {
    const svgs = Array.from(document.querySelectorAll('svg.chart'));
    const names = chartNames(svgs);
    if (svgs.length === 0) lines.push('FAIL page: no <svg class="chart"> on the page');
    svgs.forEach((svg, i) => {
      const facts = [];
      let problems;
      try {
        problems = checkChart(svg, facts);
      } catch (e) {
        problems = ['the check threw: ' + e];
      }
      if (problems.length === 0) {
        lines.push('ok   ' + names[i] + ': ' + facts.join(', '));
      } else {
        for (const p of problems.slice(0, kMaxProblems)) lines.push('FAIL ' + names[i] + ': ' + p);
        if (problems.length > kMaxProblems) {
          lines.push('FAIL ' + names[i] + ': and ' + (problems.length - kMaxProblems) + ' more problem(s)');
        }
      }
    });
    const width = window.innerWidth;
    const scrollWidth = document.documentElement.scrollWidth;
    const height = Math.max(document.documentElement.scrollHeight, document.body.scrollHeight);
    if (scrollWidth > width) {
      lines.push('FAIL page: ' + scrollWidth + ' px wide in a ' + width + ' px window, outside the table\'s ' +
                 '.table-scroll: ' + overflowing(width).slice(0, 5).join('; '));
    }
    lines.push('page width ' + scrollWidth + ' of ' + width + ' px, height ' + height + ' px');
  } catch (e) {
    lines.push('FAIL page: the check threw: ' + e);
  }
  const out = document.createElement('pre');
  out.id = 'chart-check';
  out.style.display = 'none';
  out.textContent = lines.join('\n');
  document.body.appendChild(out);
  if (self) self.remove();
})();
