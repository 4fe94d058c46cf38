using GridSpan.Providers.OpenStack.Http;

namespace GridSpan.Providers.OpenStack.Tests.Http;

public sealed class ApiFaultTests
{
    [Theory]
    [InlineData("""{"forbidden": {"message": "Quota exceeded for instances: Requested 1, but already used 1 of 1 instances", "code": 403}}""",
        "Quota exceeded for instances: Requested 1, but already used 1 of 1 instances")]
    [InlineData("""{"NeutronError": {"type": "OverQuota", "message": "Quota exceeded for resources: ['port'].", "detail": ""}}""",
        "Quota exceeded for resources: ['port'].")]
    [InlineData("""{"error": {"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}}""",
        "The request you have made requires authentication.")]
    [InlineData("<html><body><h1>404 Not Found</h1>\n The resource could not be found.</body></html>",
        "404 Not Found The resource could not be found.")]
    public void The_clouds_own_message_is_read_from_each_services_error_body(string body, string message)
    {
        Assert.Equal(message, ApiFault.MessageOf(body));
    }

    [Fact]
    public void Neutrons_fault_type_is_read()
    {
        Assert.Equal("OverQuota", ApiFault.NeutronType("""{"NeutronError": {"type": "OverQuota", "message": "m"}}"""));
        Assert.Null(ApiFault.NeutronType("""{"conflictingRequest": {"message": "m"}}"""));
    }
}
