namespace GridSpan.Core.Tests.Config;

/// <summary>Overlay kinds GridSpan cannot render are refused at validate, not by render or create (issue 10 item 10).</summary>
public sealed class OverlayKindRulesTests : IDisposable
{
    private readonly ConfigTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Theory]
    [InlineData("ipsec")]
    [InlineData("vxlan")]
    public void An_overlay_render_cannot_write_is_not_supported_yet(string kind)
    {
        var error = _files.LoadOneError(ConfigTestFiles.Minimal + $"\noverlay: {{ kind: {kind} }}\n");

        Assert.Equal("overlay.kind", error.KeyPath);
        Assert.Equal((8, 18), (error.Location.Line, error.Location.Column));
        Assert.Equal($"the overlay kind '{kind}' is not supported yet: GridSpan plans it but cannot write its node files", error.Problem);
        Assert.Equal("use 'kind: wireguard' (the default)", error.Fix);
    }

    [Fact]
    public void Wireguard_is_accepted()
    {
        _files.LoadValid(ConfigTestFiles.Minimal + "\noverlay: { kind: wireguard }\n");
    }
}
