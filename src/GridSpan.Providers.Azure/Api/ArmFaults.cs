using System.Net;
using System.Text.Json.Nodes;
using GridSpan.Common;

namespace GridSpan.Providers.Azure.Api;

/// <summary>
/// What ARM's refusals mean for the user: each becomes one <see cref="GridSpanException"/> naming the call and quoting
/// ARM's error code and message (the `error` object every ARM error body and failed operation carries), with a fix for
/// the codes that have an obvious one.
/// </summary>
internal static class ArmFaults
{
    /// <summary>Codes of a refusal for lack of quota (cores, public IPs, ...).</summary>
    private static readonly string[] QuotaCodes = ["QuotaExceeded", "OperationNotAllowed", "PublicIPCountLimitReached"];

    /// <summary>Codes of a refusal for lack of capacity in the region (not the subscription's fault).</summary>
    private static readonly string[] CapacityCodes = ["SkuNotAvailable", "AllocationFailed", "ZonalAllocationFailed", "OverconstrainedAllocationRequest"];

    public static (string Code, string Message) ErrorOf(JsonNode? body, HttpStatusCode status)
    {
        var error = (body as JsonObject)?["error"] as JsonObject ?? body as JsonObject;
        var code = error?["code"]?.GetValue<string>();
        var message = error?["message"]?.GetValue<string>();
        return (code ?? ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture), message ?? $"HTTP {(int)status} {status}");
    }

    public static GridSpanException Refused(string site, string what, HttpStatusCode status, JsonNode? body)
    {
        var (code, message) = ErrorOf(body, status);
        return GridSpanException.Provider(site, $"Azure refused to {what}: {code}: {OneLine(message)}", FixOf(status, code));
    }

    /// <summary>A long-running operation ARM accepted and then ended as Failed or Canceled.</summary>
    public static GridSpanException OperationFailed(string site, string what, string status, JsonNode? body)
    {
        var (code, message) = ErrorOf(body, HttpStatusCode.OK);
        var known = body?["error"] is not null;
        return GridSpanException.Provider(site,
            $"Azure could not {what}: the operation ended {status}" + (known ? $": {code}: {OneLine(message)}" : ""),
            FixOf(HttpStatusCode.OK, known ? code : "") ?? "run `gridspan create` again; ARM's activity log of the resource group says more");
    }

    public static GridSpanException Unanswered(string site, string what, Uri endpoint, Exception failure) =>
        GridSpanException.Provider(site, $"Azure Resource Manager at {endpoint} did not answer when asked to {what}: {failure.Message}",
            "check the network connection and the site's `endpoint`; GridSpan tries again where it can", failure).AsTransient();

    public static GridSpanException NoCredentials(string site, Exception failure) =>
        GridSpanException.Provider(site, $"no Azure credentials could be had: {OneLine(failure.Message)}",
            "run `az login` (and `az account set --subscription <id>`), or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET, " +
            "or run where a managed identity is available", failure);

    private static string? FixOf(HttpStatusCode status, string code) => code switch
    {
        "AuthorizationFailed" => "give the credentials a role on the subscription that allows it (docs/azure.md lists what GridSpan needs); " +
            "role assignments need Owner or User Access Administrator",
        "InvalidAuthenticationToken" or "ExpiredAuthenticationToken" or "InvalidAuthenticationTokenTenant" =>
            "log in again (`az login`) to the tenant of the site's subscription",
        "SubscriptionNotFound" => "check the site's `subscription` (`az account list`)",
        "LocationNotAvailableForResourceType" or "NoRegisteredProviderFound" => "check the site's `location` (`az account list-locations`)",
        "MissingSubscriptionRegistration" => "register the resource provider named in the message (`az provider register --namespace <name>`)",
        _ when QuotaCodes.Contains(code, StringComparer.Ordinal) => "ask for a higher quota (Azure portal, Quotas), choose another VM size or region, or make the cluster smaller",
        _ when CapacityCodes.Contains(code, StringComparer.Ordinal) => "choose another VM size or region, or try again later",
        _ when status == HttpStatusCode.Unauthorized => "log in again (`az login`), or check the credentials in AZURE_CLIENT_ID / AZURE_CLIENT_SECRET",
        _ => null,
    };

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
