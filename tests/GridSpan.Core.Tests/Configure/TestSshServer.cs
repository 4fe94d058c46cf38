using GridSpan.Configure;

namespace GridSpan.Core.Tests.Configure;

/// <summary>An sshd of an <see cref="SshLab"/>: the target that pins its key, and a way to start it later.</summary>
internal sealed class TestSshServer(SshTarget target, Func<Task> start)
{
    public SshTarget Target { get; } = target;

    public Task StartAsync() => start();
}
