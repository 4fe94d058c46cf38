using System.Net;
using System.Text.Json.Nodes;
using GridSpan.Common;
using GridSpan.Providers.Azure.Api;

namespace GridSpan.Providers.Azure.Tests.Api;

public sealed class ArmFaultsTests
{
    private static JsonObject Error(string code, string message) => new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } };

    [Theory]
    [InlineData(HttpStatusCode.Unauthorized, "ExpiredAuthenticationToken", "log in again (`az login`) to the tenant of the site's subscription")]
    [InlineData(HttpStatusCode.Conflict, "OperationNotAllowed", "ask for a higher quota (Azure portal, Quotas), choose another VM size or region, or make the cluster smaller")]
    [InlineData(HttpStatusCode.Conflict, "MissingSubscriptionRegistration", "register the resource provider named in the message (`az provider register --namespace <name>`)")]
    [InlineData(HttpStatusCode.Unauthorized, "SomethingNew", "log in again (`az login`), or check the credentials in AZURE_CLIENT_ID / AZURE_CLIENT_SECRET")]
    [InlineData(HttpStatusCode.BadRequest, "InvalidParameter", null)]
    public void A_refusal_names_the_call_quotes_arm_and_says_what_to_do(HttpStatusCode status, string code, string? fix)
    {
        var failure = ArmFaults.Refused("we", "create the VM w-1 (Standard_B2s)", status, Error(code, "ARM says no.\nTwice."));

        Assert.Equal($"site 'we': Azure refused to create the VM w-1 (Standard_B2s): {code}: ARM says no. Twice.", failure.Message);
        Assert.Equal(fix, failure.Fix);
        Assert.Equal(ExitCode.ProviderFailure, failure.ExitCode);
        Assert.False(failure.IsTransient);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("[1, 2]")]
    public void A_refusal_without_arms_error_body_quotes_the_status(string? body)
    {
        var failure = ArmFaults.Refused("we", "list the VM sizes of westeurope", HttpStatusCode.BadGateway, body is null ? null : JsonNode.Parse(body));

        Assert.Equal("site 'we': Azure refused to list the VM sizes of westeurope: 502: HTTP 502 BadGateway", failure.Message);
    }

    [Fact]
    public void An_operation_that_failed_without_an_error_says_where_to_look()
    {
        var failure = ArmFaults.OperationFailed("we", "delete the VNet net", "Canceled", new JsonObject { ["status"] = "Canceled" });

        Assert.Equal("site 'we': Azure could not delete the VNet net: the operation ended Canceled", failure.Message);
        Assert.Equal("run `gridspan create` again; ARM's activity log of the resource group says more", failure.Fix);
    }
}
