// servicedesk charts (issue 17): turns each <figure data-chart> into an Apache ECharts chart.
// The figure's JSON spec comes from servicedesk/core/charts.py; the table under it holds the same
// numbers and stays the fallback when this script or the vendored library does not run.
(function () {
  "use strict";
  var PERCENT_COLOR = "#0f766e";
  var TARGET_COLOR = "#b45309";

  function option(spec, zh) {
    var hasCounts = spec.series.some(function (s) { return !s.percent; });
    var hasPercent = spec.series.some(function (s) { return s.percent; });
    var yAxis = [];
    if (hasCounts) { yAxis.push({ type: "value", minInterval: 1 }); }
    if (hasPercent) {
      yAxis.push({ type: "value", min: 0, max: 100, axisLabel: { formatter: "{value} %" },
                   splitLine: { show: !hasCounts } });
    }
    var percentAxis = hasCounts && hasPercent ? 1 : 0;
    var series = spec.series.map(function (s, index) {
      var item = {
        name: s.name, type: s.kind, data: s.values, stack: s.stack || undefined,
        yAxisIndex: s.percent ? percentAxis : 0, connectNulls: true, emphasis: { focus: "series" },
        tooltip: { valueFormatter: function (v) {
          return v === null || v === undefined ? "—" : (s.percent ? v + " %" : String(v)); } }
      };
      if (s.kind === "line") { item.symbolSize = 7; }
      if (s.percent && spec.series.filter(function (x) { return x.percent; }).length === 1) {
        item.itemStyle = { color: PERCENT_COLOR };
      }
      if (s.percent && spec.target !== null && index === spec.series.findIndex(function (x) { return x.percent; })) {
        item.markLine = {
          silent: true, symbol: "none", lineStyle: { type: "dashed", color: TARGET_COLOR },
          label: { formatter: (spec.targetLabel || "") + " " + spec.target + " %", position: "insideEndTop" },
          data: [{ yAxis: spec.target }]
        };
      }
      return item;
    });
    return {
      animation: !window.matchMedia("(prefers-reduced-motion: reduce)").matches,
      textStyle: { fontFamily: zh ? "system-ui, 'Noto Sans CJK SC', sans-serif" : "system-ui, sans-serif" },
      tooltip: { trigger: "axis", confine: true },
      legend: { show: spec.series.length > 1, top: 0, type: "scroll" },
      grid: { left: 8, right: 8, top: spec.series.length > 1 ? 36 : 16, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: spec.categories, axisTick: { alignWithLabel: true } },
      yAxis: yAxis,
      series: series
    };
  }

  function draw(figure) {
    if (figure.dataset.drawn || !window.echarts) { return; }
    var source = document.getElementById(figure.dataset.chart);
    var canvas = figure.querySelector(".chart-canvas");
    if (!source || !canvas) { return; }
    var spec = JSON.parse(source.textContent);
    var zh = (document.documentElement.lang || "").toLowerCase().indexOf("zh") === 0;
    canvas.hidden = false;
    var chart = window.echarts.init(canvas, null, { renderer: "svg", locale: zh ? "ZH" : "EN" });
    chart.setOption(option(spec, zh));
    figure.dataset.drawn = "1";
    var table = figure.querySelector(".chart-table");
    if (table) { table.removeAttribute("open"); }
    if (window.ResizeObserver) {
      new ResizeObserver(function () { chart.resize(); }).observe(canvas);
    }
  }

  function drawAll(root) {
    (root || document).querySelectorAll("figure[data-chart]").forEach(draw);
  }
  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  document.addEventListener("htmx:afterSwap", function (event) { drawAll(event.target); });
})();
