using GridSpan.Testing.FakeArm;

namespace GridSpan.ProviderContract.Tests.Azure;

/// <summary>Two fake ARMs for the Azure contract tests of a class: one with room, one whose vCPU quota holds a single Standard_B2s.</summary>
public sealed class FakeArmFixture : IAsyncDisposable
{
    public FakeArmFixture()
    {
        Limited.Quotas["standardBSFamily"] = 2;
    }

    public FakeArm Arm { get; } = new();

    public FakeArm Limited { get; } = new();

    public async ValueTask DisposeAsync()
    {
        await Arm.DisposeAsync();
        await Limited.DisposeAsync();
    }
}
