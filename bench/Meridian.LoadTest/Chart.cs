using ScottPlot;

namespace Meridian.LoadTest;

/// <summary>A horizontal bar per row: how many times better Meridian did than etcd (right of the line at 1 = ahead).</summary>
internal static class Chart
{
    public static void Save(IReadOnlyList<Row> rows, string path, bool quick)
    {
        var plot = new Plot();
        // Drawn first and light, so a value label that lands on it stays readable.
        var one = plot.Add.VerticalLine(1);
        one.LineColor = Colors.Gray.WithAlpha(0.6);
        one.LinePattern = LinePattern.Dashed;
        var bars = new List<Bar>();
        for (var i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            // A negative or missing reading (memory noise) has no meaningful ratio: drawn as an empty bar marked n/a.
            var valid = double.IsFinite(r.Advantage) && r.Meridian >= 0 && r.Etcd >= 0;
            var value = valid ? r.Advantage : 0;
            bars.Add(new Bar
            {
                Position = rows.Count - 1 - i,
                Value = value,
                FillColor = value >= 1 ? Colors.SeaGreen : Colors.IndianRed,
                Label = valid ? value.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) + "×" : "n/a",
            });
        }

        var barPlot = plot.Add.Bars(bars);
        barPlot.Horizontal = true;
        barPlot.ValueLabelStyle.FontSize = 14;
        plot.Axes.Left.SetTicks([.. Enumerable.Range(0, rows.Count).Select(i => (double)(rows.Count - 1 - i))], [.. rows.Select(r => r.Scenario)]);
        plot.Axes.Left.TickLabelStyle.FontSize = 13;
        plot.Axes.Left.MajorTickStyle.Length = 0;
        plot.Axes.Margins(left: 0, right: 0.15);
        plot.Title($"Meridian vs etcd 3.4, same machine ({(quick ? "quick" : "full")} run)");
        plot.XLabel("Meridian advantage (× etcd): throughput ratio, or etcd/Meridian for time and memory; > 1 = Meridian better");
        plot.Grid.YAxisStyle.MajorLineStyle.Width = 0;
        plot.SavePng(path, 1400, 120 + 48 * rows.Count);
    }
}
