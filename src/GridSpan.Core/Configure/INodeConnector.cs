namespace GridSpan.Configure;

/// <summary>Opens sessions on nodes, waiting for nodes that are still booting. <see cref="SshTransport"/> is the real one.</summary>
public interface INodeConnector
{
    Task<INodeSession> ConnectAsync(SshTarget target, TimeSpan waitUpTo, CancellationToken cancellationToken);
}
