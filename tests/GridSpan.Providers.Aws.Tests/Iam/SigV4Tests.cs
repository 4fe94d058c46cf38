using GridSpan.Providers.Aws.Iam;

namespace GridSpan.Providers.Aws.Tests.Iam;

/// <summary>Against the answers AWS publishes: the IAM example of the SigV4 documentation and cases of its signature test suite.</summary>
public sealed class SigV4Tests
{
    private static readonly SigV4.Key Example = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", null);
    private static readonly DateTimeOffset At = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);

    [Fact]
    public void The_documented_iam_list_users_request_signs_to_the_documented_signature()
    {
        var headers = SigV4.Sign("GET", new Uri("https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08"),
            [new("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")], "", Example, "us-east-1", "iam", At);

        Assert.Equal("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, " +
            "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7", headers["Authorization"]);
        Assert.Equal("20150830T123600Z", headers["X-Amz-Date"]);
    }

    [Fact]
    public void The_suites_get_vanilla_case_signs_to_its_answer()
    {
        var headers = SigV4.Sign("GET", new Uri("https://example.amazonaws.com/"), [], "", Example, "us-east-1", "service", At);

        Assert.EndsWith("SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", headers["Authorization"]);
    }

    [Fact]
    public void The_suites_form_post_case_signs_its_body_to_its_answer()
    {
        var headers = SigV4.Sign("POST", new Uri("https://example.amazonaws.com/"), [new("Content-Type", "application/x-www-form-urlencoded")], "Param1=value1",
            Example, "us-east-1", "service", At);

        Assert.EndsWith("SignedHeaders=content-type;host;x-amz-date, Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a",
            headers["Authorization"]);
    }

    [Fact]
    public void A_session_token_is_sent_and_signed()
    {
        var headers = SigV4.Sign("POST", new Uri("https://iam.amazonaws.com/"), [], "Action=GetRole", Example with { SessionToken = "token/1" },
            "us-east-1", "iam", At);

        Assert.Equal("token/1", headers["X-Amz-Security-Token"]);
        Assert.Contains("SignedHeaders=host;x-amz-date;x-amz-security-token,", headers["Authorization"], StringComparison.Ordinal);
    }

    [Fact]
    public void A_port_other_than_the_schemes_is_part_of_the_signed_host()
    {
        var headers = SigV4.Sign("POST", new Uri("http://127.0.0.1:5000/"), [], "", Example, "us-east-1", "iam", At);

        Assert.Equal("127.0.0.1:5000", headers["Host"]);
    }
}
