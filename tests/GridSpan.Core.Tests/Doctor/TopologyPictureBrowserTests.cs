using System.Globalization;
using System.Xml.Linq;
using GridSpan.Cluster;
using GridSpan.Doctor;
using GridSpan.Plan;

namespace GridSpan.Core.Tests.Doctor;

/// <summary>
/// The picture as people see it: headless Chromium (installed by scripts/install-host-packages) opens
/// the SVG and takes a screenshot, and the test reads the colours where the picture's layout says each node is.
/// </summary>
public sealed class TopologyPictureBrowserTests : IDisposable
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private readonly string _directory = Directory.CreateTempSubdirectory("gridspan-picture-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Chromium_draws_a_failing_node_red_a_running_node_green_and_a_powered_down_node_grey()
    {
        var plan = TestSpecs.Plan(TestSpecs.TwoSites());
        var failing = plan.Nodes.First(n => n.Site == "hamburg" && n.Role == NodeRole.Worker && !n.OnDemand).Name;
        var running = plan.Nodes.First(n => n.Site == "berlin" && n.Role == NodeRole.Worker && !n.OnDemand).Name;
        var poweredDown = plan.Nodes.First(n => n.OnDemand).Name;
        var status = new ClusterStatus(plan.Name, "c0ffee", plan.Master,
            [.. plan.Sites.Select(s => new SiteStatus(s.Name, s.Provider, s.Subnet.ToString(), s.Mtu, s.VpnNode))],
            [.. plan.Nodes.Select(n => new NodeStatus(n.Name, n.Role.ToString().ToLowerInvariant(), n.Site, n.OnDemand, n.Address.ToString(), null,
                n.OnDemand ? "on demand" : "active", !n.RunsJobs ? null : n.OnDemand ? "idle~" : "idle", []))], []);
        var doctor = new DoctorReport(plan.Name, [DoctorFinding.Fail("munge", failing, "munge is not running", "systemctl restart munge")]);
        var svg = TopologyPicture.Svg(status, plan.Overlay, doctor);
        var picture = XDocument.Parse(svg);
        var width = int.Parse(picture.Root!.Attribute("width")!.Value, CultureInfo.InvariantCulture);
        var height = int.Parse(picture.Root!.Attribute("height")!.Value, CultureInfo.InvariantCulture);
        var file = Path.Combine(_directory, "cluster.svg");
        var screenshot = Path.Combine(_directory, "cluster.png");
        File.WriteAllText(file, svg);

        Tool.Run("chromium",
        [
            "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--force-device-scale-factor=1",
            $"--user-data-dir={Path.Combine(_directory, "profile")}", $"--window-size={width},{height}", $"--screenshot={screenshot}",
            new Uri(file).AbsoluteUri,
        ], "");
        var image = PngImage.Read(File.ReadAllBytes(screenshot));

        Assert.Equal((width, height), (image.Width, image.Height));
        Assert.Equal((0xc6, 0x28, 0x28), ColourAt(image, Edge(picture, failing)));
        Assert.Equal((0xff, 0xeb, 0xee), ColourAt(image, Inside(picture, failing)));
        Assert.Equal((0xe8, 0xf5, 0xe9), ColourAt(image, Inside(picture, running)));
        Assert.Equal((0xfa, 0xfa, 0xfa), ColourAt(image, Inside(picture, poweredDown)));
    }

    private static (int X, int Y, int Height) Box(XDocument picture, string node)
    {
        var rect = picture.Descendants(Svg + "g").Single(g => (string?)g.Attribute("data-node") == node).Element(Svg + "rect")!;
        int Number(string name) => (int)double.Parse(rect.Attribute(name)!.Value, CultureInfo.InvariantCulture);
        return (Number("x"), Number("y"), Number("height"));
    }

    /// <summary>On the box's left border, half way down.</summary>
    private static (int X, int Y) Edge(XDocument picture, string node) => Box(picture, node) is var box ? (box.X, box.Y + (box.Height / 2)) : default;

    /// <summary>Inside the box above its text, where only the fill shows.</summary>
    private static (int X, int Y) Inside(XDocument picture, string node) => Box(picture, node) is var box ? (box.X + 150, box.Y + 4) : default;

    private static (int, int, int) ColourAt(PngImage image, (int X, int Y) point)
    {
        var (red, green, blue) = image[point.X, point.Y];
        return (red, green, blue);
    }
}
