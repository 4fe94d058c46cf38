using GridSpan.Common;

namespace GridSpan.EndToEnd.Tests;

/// <summary>A create that cannot finish says where and why, and what it made is still found and removed by its tag.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class FailingCreateTests
{
    private const string Yaml = """
        name: bad
        sites:
          - name: alpha
            provider: local
            local: { subnet: 10.91.0.0/24 }
            master: { flavor: tiny }
          - name: beta
            provider: local
            local: { subnet: 10.92.0.0/24 }
            gateway: { flavor: tiny }
            workers:
              - { name: cpu, flavor: tiny, image: debian-12, count: 1 }
        """;

    [Fact]
    public async Task An_image_the_site_lacks_is_named_with_the_site_and_the_node_and_terminate_removes_what_was_made()
    {
        await using var cluster = await TestCluster.StartAsync(Yaml);
        // validate refuses an image the local cloud does not offer; the cloud must still refuse one it lacks at create.
        cluster.ChangeSpecAfterValidation(spec => spec with
        {
            Sites = [spec.Sites[0], spec.Sites[1] with { Workers = [spec.Sites[1].Workers[0] with { Image = "debian-99" }] }],
        });

        var failure = await Assert.ThrowsAsync<GridSpanException>(cluster.CreateAsync);

        Assert.Equal(ExitCode.ProviderFailure, failure.ExitCode);
        Assert.StartsWith("site 'beta': ", failure.Message, StringComparison.Ordinal);
        Assert.Contains("bad-beta-cpu-001", failure.Message, StringComparison.Ordinal);
        Assert.Contains("debian-99", failure.Message, StringComparison.Ordinal);
        Assert.NotEmpty(await cluster.Cloud.ListAsync(cluster.Store.Require("bad").ClusterId, CancellationToken.None));
        Assert.Empty(await cluster.TerminateAsync());
    }
}
