namespace GridSpan.Providers.OpenStack.Check;

/// <summary>One result of `gridspan check`: something confirmed, or a problem with what to do about it.</summary>
public sealed record CheckFinding(string Site, bool Ok, string Text, string? Fix = null)
{
    public override string ToString() => $"site '{Site}': {(Ok ? "ok" : "problem")}: {Text}" + (Fix is null ? "" : $" ({Fix})");
}
