namespace GridSpan.Providers.Local.Images;

/// <summary>
/// The shell script that turns a fresh debootstrap into a base image: per-node identity removed
/// (machine id, SSH host keys, munge key, resolv.conf of the build host), role services disabled,
/// the first-boot user-data runner installed, package caches dropped. Arguments: root, units to disable, --mask, units to mask.
/// </summary>
internal static class ImageFinishing
{
    public const string Script = """
        set -eu
        root="$1"; shift
        action=disable
        for unit in "$@"; do
            if [ "$unit" = "--mask" ]; then action=mask; continue; fi
            systemctl --root="$root" disable "$unit" >/dev/null 2>&1 || true
            [ "$action" = mask ] && { systemctl --root="$root" mask "$unit" >/dev/null 2>&1 || true; }
        done
        : > "$root/etc/machine-id"
        rm -f "$root/var/lib/dbus/machine-id"
        rm -f "$root"/etc/ssh/ssh_host_*
        rm -f "$root/etc/munge/munge.key"
        rm -f "$root/etc/resolv.conf"
        printf '# written by the cluster configuration; the local cloud has no upstream DNS\n' > "$root/etc/resolv.conf"
        printf 'localhost\n' > "$root/etc/hostname"
        mkdir -p "$root/etc/ssh/sshd_config.d"
        cat > "$root/etc/ssh/sshd_config.d/10-gridspan.conf" <<'CONF'
        # Host keys are created per node by the local cloud; RSA is not used.
        HostKey /etc/ssh/ssh_host_ed25519_key
        HostKey /etc/ssh/ssh_host_ecdsa_key
        PasswordAuthentication no
        PermitRootLogin prohibit-password
        UseDNS no
        CONF
        mkdir -p "$root/etc/systemd/system.conf.d" "$root/etc/systemd/journald.conf.d"
        printf '[Manager]\nDefaultTimeoutStopSec=5s\n' > "$root/etc/systemd/system.conf.d/10-gridspan.conf"
        printf '[Journal]\nStorage=volatile\nRuntimeMaxUse=8M\n' > "$root/etc/systemd/journald.conf.d/10-gridspan.conf"
        cat > "$root/usr/local/sbin/gridspan-user-data" <<'RUN'
        #!/bin/sh
        # Applies the user data once at first boot (see docs/local-cloud.md): "files" before sshd starts, "commands" after.
        set -u
        dir=/var/lib/gridspan/user-data
        stage="$1"
        [ -f "$dir/$stage.sh" ] || exit 0
        [ -f "$dir/$stage.done" ] && exit 0
        sh "$dir/$stage.sh" > "$dir/$stage.log" 2>&1
        echo $? > "$dir/$stage.done"
        RUN
        chmod 0755 "$root/usr/local/sbin/gridspan-user-data"
        cat > "$root/etc/systemd/system/gridspan-user-data-files.service" <<'UNIT'
        [Unit]
        Description=Write the user data's files once at first boot
        Before=ssh.service
        ConditionPathExists=/var/lib/gridspan/user-data/files.sh

        [Service]
        Type=oneshot
        ExecStart=/usr/local/sbin/gridspan-user-data files

        [Install]
        WantedBy=multi-user.target
        UNIT
        cat > "$root/etc/systemd/system/gridspan-user-data.service" <<'UNIT'
        [Unit]
        Description=Run the user data's commands once at first boot
        After=network.target ssh.service gridspan-user-data-files.service
        ConditionPathExists=/var/lib/gridspan/user-data/commands.sh

        [Service]
        Type=oneshot
        ExecStart=/usr/local/sbin/gridspan-user-data commands
        # Like cloud-init's runcmd: what the commands start in the background keeps running.
        KillMode=process

        [Install]
        WantedBy=multi-user.target
        UNIT
        systemctl --root="$root" enable gridspan-user-data-files.service gridspan-user-data.service >/dev/null 2>&1
        cat > "$root/etc/systemd/system/gridspan-net-sysctl.service" <<'UNIT'
        [Unit]
        Description=Make /proc/sys/net writable: the node owns its network namespace (forwarding on gateways)
        DefaultDependencies=no
        Before=sysinit.target systemd-sysctl.service
        ConditionPathIsReadWrite=!/proc/sys/net

        [Service]
        Type=oneshot
        ExecStart=/bin/sh -c 'mount --bind /proc/sys/net /proc/sys/net && mount -o remount,bind,rw /proc/sys/net'

        [Install]
        WantedBy=sysinit.target
        UNIT
        systemctl --root="$root" enable gridspan-net-sysctl.service >/dev/null 2>&1
        systemctl --root="$root" enable ssh.service >/dev/null 2>&1
        rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/var/log/*.log
        """;
}
