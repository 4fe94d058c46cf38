namespace GridSpan.Core.Tests.Config;

/// <summary>Overlay kinds GridSpan cannot render are refused at validate, not by render or create (issue 10 item 10).</summary>
public sealed class OverlayKindRulesTests : IDisposable
{
    private readonly ConfigTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Ipsec_which_render_cannot_write_is_not_supported_yet()
    {
        var error = _files.LoadOneError(ConfigTestFiles.Minimal + "\noverlay: { kind: ipsec }\n");

        Assert.Equal("overlay.kind", error.KeyPath);
        Assert.Equal((8, 18), (error.Location.Line, error.Location.Column));
        Assert.Equal("the overlay kind 'ipsec' is not supported yet: GridSpan plans it but cannot write its node files", error.Problem);
        Assert.Equal("use 'kind: wireguard' (the default) or 'kind: vxlan'", error.Fix);
    }

    [Fact]
    public void Wireguard_is_accepted()
    {
        _files.LoadValid(ConfigTestFiles.Minimal + "\noverlay: { kind: wireguard }\n");
    }
}
