namespace GridSpan.Providers.Azure.Api;

/// <summary>The API versions GridSpan speaks, one per resource provider, as ARM's REST reference documents them.</summary>
internal static class ArmApi
{
    public const string Resources = "2021-04-01";
    public const string Subscriptions = "2022-12-01";
    public const string Network = "2023-09-01";
    public const string Compute = "2024-03-01";
    public const string ComputeSkus = "2021-07-01";
    public const string Galleries = "2023-07-03";
    public const string Authorization = "2022-04-01";
}
